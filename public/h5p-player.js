// The tool's H5P player page (web/h5p-content-router.ts): plays the package with h5p-standalone
// and relays the xAPI events of H5P (H5P.externalDispatcher 'xAPI') to the LRS under the launch,
// with public/xapi-relay.js. Opened without launch parameters it plays and records nothing.
(function () {
  'use strict';
  var container = document.getElementById('h5p-container');
  var status = document.getElementById('h5p-status');
  var absolute = function (path) {
    return new URL(path, window.location.href).href;
  };
  var player = absolute(container.dataset.player);

  window.XapiRelay.fromLaunch()
    .then(function (relay) {
      if (!relay) status.textContent = container.dataset.notLaunched;
      return new window.H5PStandalone.H5P(container, {
        h5pJsonPath: absolute(container.dataset.files),
        frameJs: player + '/frame.bundle.js',
        frameCss: player + '/styles/h5p.css',
        xAPIObjectIRI: relay ? relay.launch.activityId : undefined,
      }).then(function () {
        if (!relay) return;
        window.H5P.externalDispatcher.on('xAPI', function (event) {
          relay.send(event.data.statement).catch(function () {
            status.textContent = container.dataset.sendFailed;
          });
        });
      });
    })
    .catch(function () {
      status.textContent = container.dataset.sendFailed;
    });
})();
