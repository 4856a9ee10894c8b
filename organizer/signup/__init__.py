"""Public sign-up pages of actions (no account), their short link, QR code and flyer, and residents' links."""
