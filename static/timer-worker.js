// MQTT Deck's timer: browsers throttle a background tab's own timers (to one wake-up a
// minute after a while), which would let the broker drop the keep-alive; a dedicated
// worker's timers are not throttled. The page posts [tag, delay ms]; each post replaces
// the pending timer; the worker posts the tag back when it is due.
var pending;
onmessage = function (e) {
  clearTimeout(pending);
  var tag = e.data[0];
  pending = setTimeout(function () {
    postMessage(tag);
  }, e.data[1]);
};
