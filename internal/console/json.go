package console

import (
	"encoding/json"
	"maps"
	"os"
	"slices"
)

// jsonOutputs is a Console whose outputs also go to a JSON file.
type jsonOutputs struct {
	Console
	path string
}

// WithJSON returns c, with the step outputs also written to the file at
// path as one JSON object: the same names as the action's outputs, each
// value decoded when it is JSON text (files, uploaded-files, …,
// trusted-publishing as a boolean) and a string otherwise. The file is
// replaced at each SetOutputs; a file that cannot be written is a warning
// naming it, never a failure of the run. An empty path returns c.
func WithJSON(c Console, path string) Console {
	if path == "" {
		return c
	}
	return &jsonOutputs{Console: c, path: path}
}

// SetOutputs hands the outputs on and writes the JSON file.
func (j *jsonOutputs) SetOutputs(outputs map[string]string) {
	j.Console.SetOutputs(outputs)
	if err := os.WriteFile(j.path, OutputsJSON(outputs), 0o644); err != nil {
		j.Warningf("JSON file not written", "Could not write the outputs to %s: %v. The run's result stands.", j.path, err)
	}
}

// OutputsJSON renders outputs as one indented JSON object with sorted keys
// and a final newline; values that are JSON text are embedded decoded.
func OutputsJSON(outputs map[string]string) []byte {
	names := slices.Sorted(maps.Keys(outputs))
	obj := make(map[string]json.RawMessage, len(outputs))
	for _, k := range names {
		v := outputs[k]
		if json.Valid([]byte(v)) {
			obj[k] = json.RawMessage(v)
			continue
		}
		b, _ := json.Marshal(v) // a string always marshals
		obj[k] = b
	}
	b, _ := json.MarshalIndent(obj, "", "  ") // raw messages that are valid JSON always marshal
	return append(b, '\n')
}
