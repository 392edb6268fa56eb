// ViewLanding (resnet_widgets/checks/landing.py): scroll the notebook cell this view sits in to the middle of
// the notebook, once, when the view is first shown. Run All has already scrolled to the last cell by then
// (JupyterLab moves the active cell to the end when Run All starts), so this scroll is the one that stays.
export default {
  render({ el }) {
    el.setAttribute("aria-hidden", "true");
    const land = () => {
      const cell = el.closest(".jp-Cell") ?? el.closest(".cell") ?? el;
      if (cell.isConnected) cell.scrollIntoView({ block: "center" });
    };
    // After the output area has laid out this output and the error that follows it.
    requestAnimationFrame(() => requestAnimationFrame(land));
  },
};
