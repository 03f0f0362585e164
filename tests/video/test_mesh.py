"""Two aiortc peers connected directly (mesh), signaling exchanged in the test."""

from __future__ import annotations

from signaling.media import MediaPeer, MediaPeerOptions, split_candidates


async def test_mesh_pair_decodes_video_and_audio_both_ways() -> None:
    opts = MediaPeerOptions(ice_servers=(), width=320, height=240, fps=15)
    alice, bob = MediaPeer("alice", opts), MediaPeer("bob", opts)
    try:
        answer = await bob.accept_offer(await alice.create_offer())
        await alice.apply_answer(answer)
        for peer in (alice, bob):
            assert await peer.wait_for_frames(video_tracks=1, audio_tracks=1, min_frames=3,
                                              timeout_s=20), peer.stats
            assert peer.pc.connectionState == "connected"
            video = peer.video_stats()
            assert len(video) == 1 and video[0].frames >= 3
            assert (video[0].width, video[0].height) == (320, 240)
            assert peer.audio_stats()[0].frames >= 3
        # No STUN server was configured, so only host candidates exist.
        assert alice.local_candidate_types() == {"host"}
    finally:
        await alice.close()
        await bob.close()


async def test_mesh_pair_connects_with_trickled_answer_candidates() -> None:
    opts = MediaPeerOptions(ice_servers=(), width=160, height=120, fps=10, send_audio=False)
    alice, bob = MediaPeer("alice", opts), MediaPeer("bob", opts)
    try:
        answer, candidates = split_candidates(await bob.accept_offer(await alice.create_offer()))
        assert candidates
        await alice.apply_answer(answer)
        for candidate in candidates:
            await alice.add_candidate(candidate)
        await alice.add_candidate(None)
        assert await alice.wait_for_frames(video_tracks=1, timeout_s=20), alice.stats
        assert await bob.wait_for_frames(video_tracks=1, timeout_s=20), bob.stats
    finally:
        await alice.close()
        await bob.close()
