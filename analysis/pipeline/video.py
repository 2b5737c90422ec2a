"""Sampling frames out of a video with OpenCV.

Frames are taken at the middle of equal time slices: about one slice per 1/VIDEO_FRAMES_PER_SECOND
seconds, or, when that would exceed VIDEO_MAX_FRAMES, that many slices spread over the whole
video, so a long video is covered end to end instead of only its first minute. The middle of a
slice (not its start) skips the black or title frame many videos open with.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

# Up to this many frames ahead, decoding forward is cheaper than a keyframe seek.
SEQUENTIAL_GAP_FRAMES = 40


class VideoError(ValueError):
    """The file cannot be read as a video."""


def sample_times(duration: float, frames_per_second: float, max_frames: int) -> list[float]:
    """Seconds at which to take frames; empty for a video with no duration."""
    if duration <= 0 or frames_per_second <= 0 or max_frames <= 0:
        return []
    interval = max(1.0 / frames_per_second, duration / max_frames)
    count = max(1, min(max_frames, int(duration / interval + 1e-9)))
    slice_ = duration / count  # equal slices that end with the video, not a fraction of one past it
    return [round((i + 0.5) * slice_, 3) for i in range(count)]


@dataclass
class VideoFrames:
    duration: float
    width: int
    height: int
    times: list[float]
    decoded: int = 0  # frames actually decoded so far (a truncated file yields fewer than times)

    _capture: object = None
    _fps: float = 0.0

    def __iter__(self) -> Iterator[tuple[float, np.ndarray]]:
        """(seconds, RGB frame) for each sample time that decodes."""
        import cv2

        capture, position = self._capture, 0
        try:
            for t in self.times:
                target = int(round(t * self._fps))
                if target < position or target - position > SEQUENTIAL_GAP_FRAMES:
                    capture.set(cv2.CAP_PROP_POS_FRAMES, target)
                    position = target
                while position < target:
                    if not capture.grab():
                        return
                    position += 1
                ok, frame = capture.read()
                if not ok or frame is None:
                    return
                position += 1
                self.decoded += 1
                yield t, cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
        finally:
            capture.release()


def open_video(path: str, frames_per_second: float, max_frames: int) -> VideoFrames:
    """Open a video and plan its sample times; raises VideoError for anything unreadable."""
    import cv2

    capture = cv2.VideoCapture(path)
    if not capture.isOpened():
        raise VideoError("not a readable video (no decoder could open it)")
    fps = float(capture.get(cv2.CAP_PROP_FPS) or 0)
    count = float(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
    width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH) or 0)
    height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT) or 0)
    if fps <= 0 or count <= 0 or width <= 0 or height <= 0:
        capture.release()
        raise VideoError(f"video has no usable frame rate, length or size (fps={fps:g}, frames={count:g})")
    duration = count / fps
    return VideoFrames(
        duration=duration,
        width=width,
        height=height,
        times=sample_times(duration, frames_per_second, max_frames),
        _capture=capture,
        _fps=fps,
    )
