"""Tests of the archive (archive/): writes, revisions, the reading commands and the browser view."""
