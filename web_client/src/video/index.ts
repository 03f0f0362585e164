// Video meetings (WebRTC with a waiting room) are built in signaling/ and will get their own
// Socket.IO namespace. This is where the client side plugs in: every conversation header has a
// `.video-slot` element, and mountVideo() is called with it. When the server announces video
// support (a path in its OpenAPI document, see api.detectFeatures), fill the slot with a
// "Starta videomöte" / "Gå till väntrummet" button and open the meeting view from here.
import type { AppContext } from "../context";
import type { Thread } from "../types";

export interface VideoMount {
  destroy(): void;
}

export function mountVideo(slot: HTMLElement, _ctx: AppContext, _thread: Thread): VideoMount {
  slot.hidden = true; // nothing to show until the video namespace exists
  return { destroy: () => slot.replaceChildren() };
}
