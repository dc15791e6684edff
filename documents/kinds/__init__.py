"""One module per document kind; each declares ``KIND`` (see :class:`documents.kind.Kind`)."""
