package main

import "github.com/systemic-dev/systemic/internal/config"

// periodUsage is the help of every command's --period flag: the forms the
// one parser (config.ParsePeriod) accepts.
const periodUsage = "window: " + config.PeriodForms
