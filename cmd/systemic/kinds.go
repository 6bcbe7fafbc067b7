package main

// The source kinds this build can sync: each connector registers itself.
import (
	_ "github.com/systemic-dev/systemic/connectors/github"
	_ "github.com/systemic-dev/systemic/connectors/jira"
)
