// Video meetings (WebRTC with a waiting room) are served by server/video.py: REST under
// /api/v1/meetings (book or start, invite, look up) and signaling on the Socket.IO namespace
// /video (join, admit, signal, sfu_publish/subscribe/answer/trickle, chat, end).
// This is where the client side plugs in: every conversation header has a `.video-slot`
// element, and mountVideo() is called with it and the thread. `ctx.features.video` says whether
// the server has meetings. To build it: fill the slot with "Starta videomöte" (staff) or
// "Gå till väntrummet" (patient), open a meeting view in this folder with its own socket
// (io("/video", { withCredentials: true })), and put its texts in i18n.ts like all others.
import type { AppContext } from "../context";
import type { Thread } from "../types";

export interface VideoMount {
  destroy(): void;
}

export function mountVideo(slot: HTMLElement, _ctx: AppContext, _thread: Thread): VideoMount {
  slot.hidden = true; // nothing to show until the video namespace exists
  return { destroy: () => slot.replaceChildren() };
}
