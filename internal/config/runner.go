package config

// Runner is what a run needs from GitHub's runner environment, decoded once
// by [LoadRunner]. Values are as the runner set them; "" when unset.
type Runner struct {
	// Actions is true when GITHUB_ACTIONS is exactly "true".
	Actions bool
	// Workspace is GITHUB_WORKSPACE, the directory relative packages-dir
	// entries start from (the working directory when unset or missing).
	Workspace string
	// Repository is GITHUB_REPOSITORY ("owner/name").
	Repository string
	// RepositoryOwner is GITHUB_REPOSITORY_OWNER.
	RepositoryOwner string
	// WorkflowRef is GITHUB_WORKFLOW_REF
	// ("owner/name/.github/workflows/release.yml@refs/tags/v1").
	WorkflowRef string
	// EventName is GITHUB_EVENT_NAME; EventPath is GITHUB_EVENT_PATH, the
	// file holding the event's JSON payload.
	EventName, EventPath string
	// ServerURL is GITHUB_SERVER_URL; "" means https://github.com.
	ServerURL string
	// IDTokenURLSet and IDTokenTokenSet say whether
	// ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are
	// non-empty (the job has `id-token: write`).
	IDTokenURLSet, IDTokenTokenSet bool
	// RequestToken is ACTIONS_ID_TOKEN_REQUEST_TOKEN's value, the bearer
	// token of GitHub's token service. The run only masks it (before it
	// prints anything) and scrubs it; go-githubactions' GetIDToken is what
	// sends it.
	RequestToken string
	// OutputFile is GITHUB_OUTPUT and SummaryFile GITHUB_STEP_SUMMARY, the
	// files the console appends outputs and the step summary to.
	OutputFile, SummaryFile string
}

// LoadRunner decodes the runner's environment from getenv.
func LoadRunner(getenv func(string) string) Runner {
	return Runner{
		Actions:         getenv("GITHUB_ACTIONS") == "true",
		Workspace:       getenv("GITHUB_WORKSPACE"),
		Repository:      getenv("GITHUB_REPOSITORY"),
		RepositoryOwner: getenv("GITHUB_REPOSITORY_OWNER"),
		WorkflowRef:     getenv("GITHUB_WORKFLOW_REF"),
		EventName:       getenv("GITHUB_EVENT_NAME"),
		EventPath:       getenv("GITHUB_EVENT_PATH"),
		ServerURL:       getenv("GITHUB_SERVER_URL"),
		IDTokenURLSet:   getenv("ACTIONS_ID_TOKEN_REQUEST_URL") != "",
		IDTokenTokenSet: getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN") != "",
		RequestToken:    getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN"),
		OutputFile:      getenv("GITHUB_OUTPUT"),
		SummaryFile:     getenv("GITHUB_STEP_SUMMARY"),
	}
}
