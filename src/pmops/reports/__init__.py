"""Reports: one model of the KB (metrics, research, decisions, processes, onboarding, tools), rendered as JSON, markdown or HTML."""
