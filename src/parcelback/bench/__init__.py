"""`parcelback bench`: the product's paths timed against a raw baseline; it may import every app, no app imports it."""
