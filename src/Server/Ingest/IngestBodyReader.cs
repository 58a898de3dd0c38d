using System.Buffers;
using System.IO.Compression;
using Microsoft.AspNetCore.Http.Features;

namespace P1Telemetry.Server.Ingest;

/// <summary>
/// Reads the request body into a pooled buffer, decompressing gzip on the fly. Both the body as sent and its
/// decompressed size are capped, so an oversized body or a gzip bomb is refused without being inflated.
/// </summary>
internal static class IngestBodyReader
{
    public static async Task<BodyReadResult> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return BodyReadResult.Fail(StatusCodes.Status413PayloadTooLarge, "Request body too large",
                $"The body is {request.ContentLength} bytes; at most {maxBytes} are accepted.");
        }

        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = maxBytes;
        }

        var encoding = request.Headers.ContentEncoding.ToString().Trim();
        var gzip = encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase) || encoding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase);
        await using var source = gzip ? new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true) : request.Body;

        var initial = request.ContentLength is > 0 and var length ? (int)Math.Min(gzip ? length * 8 : length + 1, maxBytes + 1) : 64 * 1024;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initial, 4096));
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled > maxBytes)
                {
                    return BodyReadResult.Fail(StatusCodes.Status413PayloadTooLarge, "Request body too large",
                        gzip ? $"The decompressed body exceeds {maxBytes} bytes." : $"The body exceeds {maxBytes} bytes.");
                }

                if (filled == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                // Never read more than one byte past the limit: enough to know that it was exceeded.
                var room = (int)Math.Min(buffer.Length - filled, maxBytes + 1 - filled);
                var read = await source.ReadAsync(buffer.AsMemory(filled, room), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }

            var result = BodyReadResult.Ok(buffer, filled);
            buffer = null;
            return result;
        }
        catch (InvalidDataException)
        {
            return BodyReadResult.Fail(StatusCodes.Status400BadRequest, "Invalid gzip body",
                "Content-Encoding is gzip but the body is not valid gzip data.");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return BodyReadResult.Fail(StatusCodes.Status413PayloadTooLarge, "Request body too large",
                $"The body exceeds {maxBytes} bytes.");
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}

/// <summary>Either a pooled buffer holding the body (return it with <see cref="Dispose"/>) or the problem to answer.</summary>
internal sealed class BodyReadResult : IDisposable
{
    private byte[]? _buffer;

    private BodyReadResult(byte[]? buffer, int length, int status, string? title, string? detail)
    {
        _buffer = buffer;
        Length = length;
        Status = status;
        Title = title;
        Detail = detail;
    }

    public int Length { get; }

    public int Status { get; }

    public string? Title { get; }

    public string? Detail { get; }

    public bool Succeeded => _buffer is not null;

    public ReadOnlyMemory<byte> Body => _buffer.AsMemory(0, Length);

    public static BodyReadResult Ok(byte[] buffer, int length) => new(buffer, length, StatusCodes.Status200OK, null, null);

    public static BodyReadResult Fail(int status, string title, string detail) => new(null, 0, status, title, detail);

    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }
}
