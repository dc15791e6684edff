"""Background jobs run by RQ workers.

Jobs are thin: they take ids, load what they need, call the pure libraries (``documents``,
``seals``), store the result and move the status on. The worker builds the Flask app context
(config, database session) around each job; nothing builds an app at import time.
"""
