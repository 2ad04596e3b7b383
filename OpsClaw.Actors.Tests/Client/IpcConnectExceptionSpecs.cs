using System.Net.Sockets;
using OpsClaw.Actors.Client;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Client;

/// <summary>
/// <see cref="IpcClient.ConnectAsync"/> fails with an <see cref="IpcConnectException"/> that says why
/// in words and in <see cref="IpcConnectException.Failure"/>, with the system's error inside, where
/// it used to throw a bare <see cref="SocketException"/> ("Cannot assign requested address" for a
/// missing file). Permission denied needs a second uid; the CLI's ConnectErrorSpecs cover it.
/// </summary>
public sealed class IpcConnectExceptionSpecs : IDisposable
{
    private readonly TempSocketDir _dir = new();

    public IpcConnectExceptionSpecs() => Directory.CreateDirectory(_dir.SocketDir);

    public void Dispose() => _dir.Dispose();

    private static async Task<IpcConnectException> RefusedAsync(string path)
    {
        var refused = await Assert.ThrowsAsync<IpcConnectException>(() => IpcClient.ConnectAsync(path));
        Assert.Equal(path, refused.SocketPath);
        Assert.IsAssignableFrom<IOException>(refused);
        return refused;
    }

    [Fact]
    public async Task A_missing_socket_should_fail_as_not_found()
    {
        var refused = await RefusedAsync(_dir.Socket("runtime"));

        Assert.Equal(IpcConnectFailure.NotFound, refused.Failure);
        Assert.Equal($"cannot connect to {_dir.Socket("runtime")}: the file does not exist", refused.Message);
        Assert.IsType<SocketException>(refused.InnerException);
    }

    [Fact]
    public async Task A_stale_socket_should_fail_as_not_listening()
    {
        PosixFiles.LeaveStaleSocket(_dir.Socket("runtime"));

        var refused = await RefusedAsync(_dir.Socket("runtime"));

        Assert.Equal(IpcConnectFailure.NotListening, refused.Failure);
        Assert.Contains("nobody is listening on it", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_regular_file_should_fail_as_not_a_socket()
    {
        await File.WriteAllTextAsync(_dir.Socket("runtime"), "");

        var refused = await RefusedAsync(_dir.Socket("runtime"));

        Assert.Equal(IpcConnectFailure.NotASocket, refused.Failure);
        Assert.EndsWith("it is a regular file, not a socket", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_path_too_long_should_fail_as_such_before_any_socket_is_made()
    {
        var tooLong = Path.Combine(_dir.SocketDir, new string('x', 200));

        var refused = await RefusedAsync(tooLong);

        Assert.Equal(IpcConnectFailure.PathTooLong, refused.Failure);
        Assert.IsType<ArgumentOutOfRangeException>(refused.InnerException);
    }
}
