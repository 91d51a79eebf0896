// The tokens page: a button with data-copy="<input id>" copies that input's value (the new key).
document.querySelectorAll("button[data-copy]").forEach((button) => {
  button.addEventListener("click", async () => {
    const input = document.getElementById(button.dataset.copy);
    input.select();
    await navigator.clipboard.writeText(input.value);
    button.textContent = "Copied";
  });
});
