"""The audit log pages: searching the trail (organizer.audit) and exporting it, for administrators."""
