using System.IO.Ports;
using P1Telemetry.Edge.Configuration;

namespace P1Telemetry.Edge.P1;

/// <summary>A P1 cable on a serial device (USB adapters appear as /dev/ttyUSB0), read-only.</summary>
public sealed class SerialTelegramTransport(EdgeOptions options) : ITelegramTransport
{
    public string Kind => "serial";

    public string Describe() => options.SourceDescription;

    public Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        if (!P1PortSettings.TryParseFormat(options.SerialFormat, out var format))
        {
            throw new ArgumentException("P1_SERIAL_FORMAT must be 8N1 or 7E1.");
        }

        var port = new SerialPort(options.SerialDevice!.Trim(), options.SerialBaud, format.Parity, format.DataBits, format.StopBits)
        {
            Handshake = Handshake.None,
            ReadBufferSize = 64 * 1024,
            // No DTR/RTS: P1 cables drive the meter's data-request line themselves, and a pseudo-terminal (a
            // bridge such as socat) refuses the modem-control ioctls outright.
        };
        try
        {
            port.Open();
            return Task.FromResult<Stream>(new OwningStream(port.BaseStream, port));
        }
        catch
        {
            port.Dispose();
            throw;
        }
    }

    /// <summary>Closes the port together with its stream.</summary>
    private sealed class OwningStream(Stream inner, IDisposable owner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                owner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
