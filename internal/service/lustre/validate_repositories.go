// SPDX-License-Identifier: MPL-2.0

package lustre

// Data repository associations [API-DRA] (the sources in brackets are listed in validate.go).

import (
	"fmt"
	"slices"
	"strings"
)

// repoProblem is a Problem of data_repository[i] (nested is the attribute inside it, or "").
func repoProblem(i int, nested, summary, format string, args ...any) Problem {
	return Problem{Attribute: "data_repository", Index: i, Nested: nested, Summary: summary, Detail: fmt.Sprintf(format, args...)}
}

func validateDataRepositories(s WorkspaceSpec) []Problem {
	repos := s.DataRepositories
	if len(repos) == 0 {
		return nil
	}
	var out []Problem
	switch {
	case s.DeploymentType == DeploymentScratch1:
		return append(out, problem("data_repository", "Data repository associations not supported",
			"SCRATCH_1 file systems do not support data repository associations (FSx API Reference, "+
				"CreateDataRepositoryAssociation: supported on FSx for Lustre 2.12 and 2.15 file systems, excluding "+
				"scratch_1). Use SCRATCH_2 or a persistent deployment type."))
	case s.FileSystemTypeVersion == "2.10":
		return append(out, problem("file_system_type_version", "Data repository associations need Lustre 2.12 or later",
			"data_repository blocks need file_system_type_version 2.12 or 2.15; Lustre 2.10 file systems do not support "+
				"data repository associations (FSx API Reference, CreateDataRepositoryAssociation)."))
	}
	if len(repos) > MaxDataRepositories {
		out = append(out, problem("data_repository", "Too many data repository associations",
			"a file system can have at most %d data repository associations; %d are configured.", MaxDataRepositories, len(repos)))
	}
	// With one trailing slash, a prefix test tells nesting (/raw/ in /raw/x/) from a longer name (/rawdata/).
	norm := func(p string) string { return NormalizePath(p) + "/" }
	for i, r := range repos {
		if p := r.FileSystemPath; p != "" {
			if !strings.HasPrefix(p, "/") {
				out = append(out, repoProblem(i, "file_system_path", "Invalid file system path",
					"file_system_path must start with a forward slash, such as /datasets; got %q.", p))
			} else if norm(p) == "/" && len(repos) > 1 {
				out = append(out, repoProblem(i, "file_system_path", "Root path shared",
					"file_system_path \"/\" links the whole file system to one repository and is allowed only when it is "+
						"the only data_repository (FSx API Reference, CreateDataRepositoryAssociation.FileSystemPath)."))
			}
		}
		if u := r.S3URI; u != "" {
			if !strings.HasPrefix(u, "s3://") || len(strings.TrimPrefix(u, "s3://")) == 0 || strings.HasPrefix(strings.TrimPrefix(u, "s3://"), "/") {
				out = append(out, repoProblem(i, "s3_uri", "Invalid S3 URI",
					"s3_uri must be an S3 bucket or prefix such as s3://my-data-lake/raw/; got %q.", u))
			}
		}
		for _, ev := range []struct {
			name   string
			events []string
		}{{"auto_import", r.AutoImport}, {"auto_export", r.AutoExport}} {
			name := ev.name
			for _, e := range ev.events {
				if e != "" && !slices.Contains(RepositoryEvents, e) {
					out = append(out, repoProblem(i, name, "Invalid event type",
						"%s events must be NEW, CHANGED or DELETED; got %q.", name, e))
				}
			}
		}
		for j := 0; j < i; j++ {
			o := repos[j]
			if r.FileSystemPath != "" && o.FileSystemPath != "" && strings.HasPrefix(r.FileSystemPath, "/") && strings.HasPrefix(o.FileSystemPath, "/") {
				a, b := norm(r.FileSystemPath), norm(o.FileSystemPath)
				if a != "/" && b != "/" && (strings.HasPrefix(a, b) || strings.HasPrefix(b, a)) {
					out = append(out, repoProblem(i, "file_system_path", "Overlapping file system paths",
						"file_system_path %q overlaps %q of data_repository[%d]; the file system paths of a file system's "+
							"associations must be unique and must not be nested (FSx API Reference, "+
							"CreateDataRepositoryAssociation.FileSystemPath).", r.FileSystemPath, o.FileSystemPath, j))
				}
			}
			if r.S3URI != "" && o.S3URI != "" && norm(r.S3URI) == norm(o.S3URI) {
				out = append(out, repoProblem(i, "s3_uri", "Duplicate S3 URI",
					"s3_uri %q is already linked by data_repository[%d]; each association needs a unique S3 bucket or prefix.", r.S3URI, j))
			}
		}
	}
	return out
}
