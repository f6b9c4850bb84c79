"""The one error type of image intake: every problem with a file or typed grid, in words.

The app catches this one type for uploads, samples and typed grids alike.
"""

__all__ = ["ImageError"]


class ImageError(ValueError):
    """A file that cannot be used as an image; the message says why and what to do."""
