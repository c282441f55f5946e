// Package action is the run of the action as a straight line of named
// steps. [Run] reads like the table of contents of a publish:
//
//	start        inputs → the Target (which index, which URLs)
//	find         packages-dir → the distribution files
//	read         files → distributions (metadata, digests)
//	check        authentication policy, then every distribution as the index would
//	authenticate trusted publishing or the API token → credentials
//	attest       PEP 740 attestations, generated or reused
//	upload       every file, with retries and the existing-file check
//	report       outputs and step summary, whatever happened
//
// Each step is a function in the file named after it. It takes values and
// returns what it produces; Run passes them on, and no step reads another
// step's state. Everything the run prints goes through a console.Console;
// the outside parts (HTTP client, GitHub token source) come in [Deps], so
// the in-process tests run whole publishes against the fakes of publishtest,
// oidctest and attesttest.
//
// The situations a run can end in are catalogued in docs/situations.md;
// the one adapter from the libraries' errors is in errors.go.
package action
