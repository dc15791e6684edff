"""Domain commands, one module per aggregate: guards, state change and audit in one transaction."""
