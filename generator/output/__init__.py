"""Output: the site written to disk atomically; the previous site stays until the new one is
whole. Imports nothing else of Traction."""
