/* The picture's change page: a click on the picture sets its focal point (the hidden focal_x and
 * focal_y fields, 0–1 across and down) and moves the marker. The arrow keys nudge it, so the
 * point can be set without a mouse. Without JavaScript the point stays where it was. */
(function () {
  "use strict";

  function setUp(box) {
    const x = document.getElementById("id_focal_x");
    const y = document.getElementById("id_focal_y");
    const picture = box.querySelector("img");
    const marker = box.querySelector(".focal-marker");
    if (!x || !y || !picture || !marker) return;

    const show = () => {
      marker.style.left = `${parseFloat(x.value) * 100}%`;
      marker.style.top = `${parseFloat(y.value) * 100}%`;
    };
    const set = (fx, fy) => {
      x.value = Math.min(1, Math.max(0, fx)).toFixed(4);
      y.value = Math.min(1, Math.max(0, fy)).toFixed(4);
      x.dispatchEvent(new Event("change", { bubbles: true }));
      show();
    };

    box.tabIndex = 0;
    box.setAttribute("role", "button");
    box.setAttribute("aria-label", "Focal point: click the picture, or use the arrow keys");
    picture.addEventListener("click", (event) => {
      const rect = picture.getBoundingClientRect();
      set((event.clientX - rect.left) / rect.width, (event.clientY - rect.top) / rect.height);
    });
    box.addEventListener("keydown", (event) => {
      const step = 0.02;
      const moves = {
        ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step],
      };
      const move = moves[event.key];
      if (!move) return;
      event.preventDefault();
      set(parseFloat(x.value) + move[0], parseFloat(y.value) + move[1]);
    });
    show();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".focal-point").forEach(setUp);
  });
})();
