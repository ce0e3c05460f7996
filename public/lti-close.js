// LTI Dynamic Registration 1.0, 3.6: tell the LMS that registration has ended. Moodle shows the
// registration in an iframe (window.parent); Canvas and Brightspace may open a window
// (window.opener). Each listens for this message on its own page.
const message = { subject: 'org.imsglobal.lti.close' };
if (window.parent !== window) window.parent.postMessage(message, '*');
if (window.opener) window.opener.postMessage(message, '*');
