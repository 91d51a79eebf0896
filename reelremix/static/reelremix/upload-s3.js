// Direct uploads to S3 (media_jobs/api/direct_upload.py), for the dashboard's form when media are stored on
// S3: the file goes to the bucket in parts through presigned URLs, never through the site. A part whose
// connection drops is sent again with a fresh URL; after a reload, choosing the same file again resumes it
// (the upload's address is kept in localStorage and the site says which parts S3 already has).
// window.ReelRemixS3Upload(file, options).start(); options: endpoint (start), uploads (the uploads' base
// URL), title, csrf, onProgress(sent, total), onRetry(attempt), onError(message), onSuccess(upload).
(function () {
  "use strict";
  var RETRY_SECONDS = [1, 3, 5, 10, 20, 30];
  var BATCH = 20; // part URLs asked for at a time

  function api(options, method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": options.csrf },
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.error ? data.error.message : "The site answered " + response.status + ".");
        return data;
      });
    });
  }

  function put(url, blob, onProgress) {
    return new Promise(function (resolve, reject) {
      var request = new XMLHttpRequest();
      request.open("PUT", url);
      request.upload.onprogress = function (event) { onProgress(event.loaded); };
      request.onload = function () {
        if (request.status >= 200 && request.status < 300) resolve();
        else reject({ status: request.status });
      };
      request.onerror = function () { reject({ status: 0 }); };
      request.send(blob);
    });
  }

  function wait(seconds) {
    return new Promise(function (resolve) { setTimeout(resolve, seconds * 1000); });
  }

  window.ReelRemixS3Upload = function (file, options) {
    var memory = "reelremix-s3:" + [options.endpoint, file.name, file.size, file.lastModified].join(":");
    var state, sent = 0;

    function urls(numbers) {
      var address = options.uploads + state.id + "/parts/";
      return api(options, "POST", address, { parts: numbers }).then(function (data) { return data.urls; });
    }

    // One part, with a fresh URL for every try: a URL that failed may have expired.
    function sendPart(number, url, attempt) {
      var start = (number - 1) * state.part_size;
      var blob = file.slice(start, Math.min(start + state.part_size, file.size));
      return put(url, blob, function (loaded) { options.onProgress(sent + loaded, file.size); })
        .then(function () { sent += blob.size; options.onProgress(sent, file.size); })
        .catch(function (failure) {
          if (attempt >= RETRY_SECONDS.length || (failure.status >= 400 && failure.status < 500 && failure.status !== 403)) {
            throw new Error("S3 refused part " + number + " (" + (failure.status || "no connection") + "): choose the file again to resume.");
          }
          options.onRetry(attempt + 1);
          return wait(RETRY_SECONDS[attempt]).then(function () { return urls([number]); })
            .then(function (fresh) { return sendPart(number, fresh[number], attempt + 1); });
        });
    }

    function sendParts() {
      var todo = [];
      for (var number = 1; number <= state.parts; number += 1) {
        if (state.parts_done.indexOf(number) < 0) todo.push(number);
      }
      sent = file.size - todo.reduce(function (bytes, n) {
        return bytes + Math.min(state.part_size, file.size - (n - 1) * state.part_size);
      }, 0);
      var chain = Promise.resolve();
      for (var i = 0; i < todo.length; i += BATCH) {
        (function (batch) {
          chain = chain.then(function () { return urls(batch); }).then(function (given) {
            return batch.reduce(function (previous, n) {
              return previous.then(function () { return sendPart(n, given[n], 0); });
            }, Promise.resolve());
          });
        })(todo.slice(i, i + BATCH));
      }
      return chain;
    }

    function resumeOrStart() {
      var known = window.localStorage.getItem(memory);
      var previous = known ? api(options, "GET", known).catch(function () { return null; }) : Promise.resolve(null);
      return previous.then(function (found) {
        if (found && found.state === "receiving") return found;
        var fresh = { filename: file.name, size: file.size, title: options.title };
        return api(options, "POST", options.endpoint, fresh);
      });
    }

    return {
      start: function () {
        resumeOrStart()
          .then(function (found) {
            state = found;
            window.localStorage.setItem(memory, options.uploads + state.id + "/");
            return sendParts();
          })
          .then(function () { return api(options, "POST", options.uploads + state.id + "/complete/"); })
          .then(function (done) {
            window.localStorage.removeItem(memory);
            options.onSuccess(done);
          })
          .catch(function (error) { options.onError(error.message); });
      },
    };
  };
})();
