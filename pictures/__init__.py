"""Pictures: a rights-aware image library, placements of its images in stories, renditions."""
