"""The Slack adapter: slack-bolt listeners over the neutral core, by Socket Mode or HTTP."""
