"""The app's screens: the dashboard, one file's detail and the help."""
