"""What the App does for its screens: bulk runs and files."""
