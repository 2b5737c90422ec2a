"""Video frame sampling: when frames are taken and what reading a real or broken file gives."""

from __future__ import annotations

import pytest

from analysis.pipeline.video import VideoError, open_video, sample_times


def test_one_frame_a_second_at_the_middle_of_each_second():
    assert sample_times(10.0, 1.0, 60) == [0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5]


def test_a_long_video_is_covered_to_the_end_within_the_frame_cap():
    times = sample_times(139.4, 1.0, 60)
    assert len(times) == 60
    assert times == sorted(times)
    assert times[-1] > 130 and times[-1] < 139.4


def test_more_frames_per_second_when_configured_and_a_short_clip_gets_one_frame():
    assert len(sample_times(10.0, 2.0, 60)) == 20
    assert sample_times(0.5, 1.0, 60) == [0.25]
    assert sample_times(0.0, 1.0, 60) == []


def test_reading_the_real_video_yields_rgb_frames_at_the_sampled_times(shared_media):
    video = open_video(str(shared_media / "video" / "one-by-one-person-detection.mp4"), 1.0, 5)
    assert video.duration == pytest.approx(139.4, abs=0.5)
    assert (video.width, video.height) == (768, 432)
    frames = list(video)
    assert [t for t, _ in frames] == video.times and len(frames) == 5
    assert all(frame.shape == (432, 768, 3) for _, frame in frames)
    assert video.decoded == 5


def test_a_file_that_is_not_a_video_is_refused(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"garbage" * 200)
    with pytest.raises(VideoError):
        open_video(str(path), 1.0, 60)
