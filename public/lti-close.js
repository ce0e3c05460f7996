// LTI Dynamic Registration 1.0, 3.6: tell the LMS that registration has ended.
(window.opener || window.parent).postMessage({ subject: 'org.imsglobal.lti.close' }, '*');
