// A streamed upload with progress (fetch cannot report upload progress; XMLHttpRequest can).
import { ApiError, csrfHeaders } from '../../shared/api';
import type { Json } from '../../shared/patch';

export interface UploadResult { id: string; commit: string; name: string; sha256: string; size: number }

/** POSTs `file` as application/octet-stream; `onProgress` gets 0..1. */
export function uploadFile(url: string, file: Blob, onProgress: (fraction: number) => void): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [k, v] of Object.entries(csrfHeaders())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: Record<string, Json> = {};
      try {
        body = JSON.parse(xhr.responseText) as Record<string, Json>;
      } catch {
        // not JSON
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(body as unknown as UploadResult);
      } else {
        const msg = typeof body.error === 'string' ? body.error : `${xhr.status} ${xhr.statusText || 'upload failed'}`;
        reject(new ApiError(xhr.status, msg, body));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'Cannot reach the DeepForge server (upload failed)'));
    xhr.send(file);
  });
}
