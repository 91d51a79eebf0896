// The dashboard's upload form, made resumable: a file chosen or dropped on the form is sent with tus-js-client
// to the tus endpoint (/api/v1/uploads/) in chunks, with a progress bar. A dropped connection is retried and
// goes on from the last byte the server kept; choosing the same file again after a reload resumes it too
// (tus-js-client remembers unfinished uploads in localStorage). When the last chunk is accepted the page moves
// to the new video's page. Where media are stored on S3 (data-s3-endpoint) the file goes straight to the
// bucket instead (upload-s3.js). Without JavaScript (or tus support) the form posts the file in one request.
(function () {
  "use strict";
  var form = document.querySelector("form[data-tus-endpoint]");
  if (!form || !window.tus || !window.tus.isSupported) return;

  var input = form.querySelector("input[type=file]");
  var button = form.querySelector("button[type=submit]");
  var zone = form.querySelector("[data-drop-zone]");
  var progress = form.querySelector("[data-upload-progress]");
  var bar = progress.querySelector("progress");
  var percent = form.querySelector("[data-upload-percent]");
  var status = form.querySelector("[data-upload-status]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  form.querySelector("[data-drop-hint]").hidden = false;

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  }

  // What the server said, in the API's error shape, or the network's failure.
  function reason(error) {
    var response = error.originalResponse;
    if (response) {
      try {
        return JSON.parse(response.getBody()).error.message;
      } catch (ignored) {
        return "The server refused the upload (" + response.getStatus() + ").";
      }
    }
    return "The connection was lost and retrying did not help: choose the file again to resume.";
  }

  function showProgress(sent, total) {
    var share = total ? Math.floor((sent / total) * 100) : 0;
    progress.hidden = false;
    bar.value = share;
    percent.textContent = share + " %";
  }

  function finished(upload) {
    say("Uploaded. Checking the video…");
    fetch(upload.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.video_url) window.location.assign(state.video_url);
        else say(state.error || "The upload did not become a video.", true);
      });
  }

  function failed(message) {
    button.disabled = false;
    say(message, true);
  }

  // Where media are on S3 the file goes straight to the bucket (upload-s3.js).
  function sendToS3(file, endpoint) {
    window.ReelRemixS3Upload(file, {
      endpoint: endpoint,
      uploads: form.getAttribute("data-tus-endpoint"),
      title: form.elements.title.value,
      csrf: csrf,
      onProgress: showProgress,
      onRetry: function (attempt) { say("Connection lost: retrying (" + attempt + ")…"); },
      onError: failed,
      onSuccess: function (upload) { window.location.assign(upload.video_url); },
    }).start();
  }

  function send(file) {
    button.disabled = true;
    say("Uploading " + file.name + "…");
    var s3 = form.getAttribute("data-s3-endpoint");
    if (s3) return sendToS3(file, s3);
    var upload = new window.tus.Upload(file, {
      endpoint: form.getAttribute("data-tus-endpoint"),
      chunkSize: Number(form.getAttribute("data-chunk-size")),
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000],
      metadata: { filename: file.name, title: form.elements.title.value },
      headers: { "X-CSRFToken": csrf },
      removeFingerprintOnSuccess: true,
      onProgress: showProgress,
      onShouldRetry: function (error, attempt) {
        say("Connection lost: retrying (" + (attempt + 1) + ")…");
        var code = error.originalResponse ? error.originalResponse.getStatus() : 0;
        return code === 0 || code >= 500 || code === 409 || code === 429;
      },
      onError: function (error) { failed(reason(error)); },
      onSuccess: function () { finished(upload); },
    });
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) {
        upload.resumeFromPreviousUpload(previous[0]);
        say("Resuming " + file.name + "…");
      }
      upload.start();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!input.files.length) return say("Choose a video file to upload.", true);
    send(input.files[0]);
  });

  ["dragenter", "dragover"].forEach(function (name) {
    form.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    form.addEventListener(name, function () { zone.classList.remove("dragging"); });
  });
  form.addEventListener("drop", function (event) {
    event.preventDefault();
    if (!event.dataTransfer.files.length) return;
    input.files = event.dataTransfer.files;
    send(input.files[0]);
  });
})();
