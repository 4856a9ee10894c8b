"""E-mail that really leaves: composed in the reader's language, queued, sent over SMTP by a background job."""
