// Marks the page as having JavaScript before it is drawn (GOV.UK Frontend's own first step,
// kept in a file so that the pages' content security policy allows no inline script).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
