"""The client's fleet: the cache in memory, its views, the snapshot on disk, the sync."""
