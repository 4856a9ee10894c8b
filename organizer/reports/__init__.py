"""Reports: the listening report ("what we heard") and the dashboard."""
