"""Test harness for the video tests; the implementation lives in ``signaling.testing`` so
the benchmark (bench/video.py) can use it too."""

from signaling.media import MediaPeerOptions
from signaling.testing.harness import (
    CoturnServer,
    HarnessUnavailable,
    JanusServer,
    NetnsHost,
    check_coturn_available,
    check_janus_available,
    check_netns_available,
    running_coturn,
    running_janus,
)

# Small frames keep six-party meetings within two cores.
SMALL_MEDIA = MediaPeerOptions(width=160, height=120, fps=10)

__all__ = [
    "SMALL_MEDIA",
    "CoturnServer",
    "HarnessUnavailable",
    "JanusServer",
    "NetnsHost",
    "check_coturn_available",
    "check_janus_available",
    "check_netns_available",
    "running_coturn",
    "running_janus",
]
