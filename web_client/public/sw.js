// Nära's service worker: shows Web Push notices. The server sends only a title and a
// content-free text ("Nytt meddelande i Nära"); a click opens (or focuses) Nära.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = {};
  }
  const title = data.title || "Nytt meddelande i Nära";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: data.body || "Du har fått ett nytt meddelande i Nära. Logga in för att läsa det.",
      tag: data.tag || "nara-new",
      icon: "/assets/favicon.svg",
      data: { url: data.url || "/" },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const w of windows) {
        if ("focus" in w) return w.focus();
      }
      return self.clients.openWindow(url);
    }),
  );
});
