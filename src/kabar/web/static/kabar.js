// kabar: the only script. Press "/" to jump to the search box.
document.addEventListener("keydown", (event) => {
  const target = event.target;
  const typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement
    || target instanceof HTMLSelectElement;
  if (event.key === "/" && !typing) {
    const box = document.querySelector("input.q") || document.getElementById("quick-q");
    if (box) {
      event.preventDefault();
      box.focus();
    }
  }
});
