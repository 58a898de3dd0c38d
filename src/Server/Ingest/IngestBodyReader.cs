using System.Buffers;

namespace P1Telemetry.Server.Ingest;

/// <summary>
/// Reads the request body into a pooled buffer. A gzip body arrives decompressed by the request decompression
/// middleware (see <see cref="CompressedBody"/>), which, like the server for the body as sent, refuses more
/// than the endpoint's limit; a Content-Length over it is refused before anything is read.
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

        var buffer = ArrayPool<byte>.Shared.Rent(request.ContentLength is > 0 and var length ? (int)Math.Min(length + 1, maxBytes + 1) : 64 * 1024);
        var filled = 0;
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(filled), cancellationToken)) > 0)
            {
                filled += read;
                if (filled == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
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
            // The server's own words: they say whether the body as sent or the decompressed body was too large.
            return BodyReadResult.Fail(StatusCodes.Status413PayloadTooLarge, "Request body too large", ex.Message);
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
