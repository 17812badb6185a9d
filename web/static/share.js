// Share: plain links to the report, exports and backup; the server sends
// them as downloads. Nothing to do here but open the report in a new tab.
const link = document.getElementById('report-link');
if (link) link.setAttribute('target', '_blank');
