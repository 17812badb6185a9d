// Share: plain links to the report, the exports and the backup, which the
// server sends as downloads (docs/web-api.md). The report opens in a new tab.
const link = document.getElementById('report-link');
if (link) link.setAttribute('target', '_blank');
