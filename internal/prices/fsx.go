// SPDX-License-Identifier: MPL-2.0

package prices

import "strconv"

// FSx for Lustre storage prices by deployment type, storage type and throughput tier (us-east-1, per
// GB-month of storage capacity; SSD persistent prices include the throughput tier, HDD prices are without the
// optional SSD cache). The placement engine bills the workspace of a workflow run at these.
var fsxLustre = map[string]Price{
	"SCRATCH_2":         FSxLustreScratch2GBMonth,
	"SCRATCH_1":         {0.14, "USD/GB-month", SrcFSxLustre + ", Scratch (one price for scratch file systems)" + srcUnconfirmed},
	"PERSISTENT_1/50":   {0.145, "USD/GB-month", SrcFSxLustre + ", Persistent SSD 50 MB/s/TiB" + srcUnconfirmed},
	"PERSISTENT_1/100":  {0.21, "USD/GB-month", SrcFSxLustre + ", Persistent SSD 100 MB/s/TiB" + srcUnconfirmed},
	"PERSISTENT_1/200":  {0.29, "USD/GB-month", SrcFSxLustre + ", Persistent SSD 200 MB/s/TiB" + srcUnconfirmed},
	"PERSISTENT_1/12":   {0.025, "USD/GB-month", SrcFSxLustre + ", Persistent HDD 12 MB/s/TiB, without SSD cache" + srcUnconfirmed},
	"PERSISTENT_1/40":   {0.083, "USD/GB-month", SrcFSxLustre + ", Persistent HDD 40 MB/s/TiB, without SSD cache" + srcUnconfirmed},
	"PERSISTENT_2/125":  {0.145, "USD/GB-month", SrcFSxLustre + ", Persistent-125 SSD" + srcUnconfirmed},
	"PERSISTENT_2/250":  {0.21, "USD/GB-month", SrcFSxLustre + ", Persistent-250 SSD" + srcUnconfirmed},
	"PERSISTENT_2/500":  {0.34, "USD/GB-month", SrcFSxLustre + ", Persistent-500 SSD" + srcUnconfirmed},
	"PERSISTENT_2/1000": {0.6, "USD/GB-month", SrcFSxLustre + ", Persistent-1000 SSD" + srcUnconfirmed},
}

// FSxLustreGBMonth is the storage price of an FSx for Lustre file system of a deployment type ("SCRATCH_2",
// "PERSISTENT_2", ...) at a throughput tier in MB/s/TiB (ignored for scratch types); ok is false when the
// catalogue has no price for it.
func FSxLustreGBMonth(deploymentType string, perUnitThroughput int64) (Price, bool) {
	if p, ok := fsxLustre[deploymentType]; ok {
		return p, true
	}
	p, ok := fsxLustre[deploymentType+"/"+strconv.FormatInt(perUnitThroughput, 10)]
	return p, ok
}
