"""Output: the site written to disk atomically; the previous site stays until the new one is
whole (`writer`), and the cache of drawn cards kept between builds (`cache`). Imports nothing
else of Traction."""
