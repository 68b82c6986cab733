using Dapper;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Platform.Security;

/// <summary>
/// Makes sure the shared key ring holds a key in use before this process protects anything with it.
/// Left to Data Protection, two processes starting together on a fresh database each create a first key and
/// protect with their own; each reads the other's key only when it next reloads the ring (a day later, once
/// past its first minutes), so until then it cannot unprotect what the other protected (an e-mail body, a form's
/// antiforgery token). Here the first key is made once, under an advisory lock, and every process sees it.
/// Later keys are made ahead of their activation, so every process has read them before they are used.
/// </summary>
public sealed class FirstKey(IKeyManager keyManager, IOptions<KeyManagementOptions> options, NpgsqlDataSource dataSource, TimeProvider clock, ILogger<FirstKey> logger)
{
    // An arbitrary constant that names "the first data-protection key" across every process.
    private const long AdvisoryLockKey = 0x436c6e744b657931; // "ClntKey1"

    /// <summary>Creates the first key unless one is in use; false (and nothing done) when the database is not migrated yet.</summary>
    public async Task<bool> EnsureAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = AdvisoryLockKey }, cancellationToken: cancellationToken));
        try
        {
            if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT to_regclass('data_protection_keys') IS NOT NULL", cancellationToken: cancellationToken)))
            {
                return false;
            }
            // The key manager reads and writes the table on its own connections: whatever a process created under
            // this lock is committed before the next one looks.
            var now = clock.GetUtcNow();
            if (!keyManager.GetAllKeys().Any(key => !key.IsRevoked && key.ActivationDate <= now && key.ExpirationDate > now))
            {
                var key = keyManager.CreateNewKey(now, now + options.Value.NewKeyLifetime);
                logger.LogInformation("Created the data-protection key {KeyId}, in use until {Expiration:O}", key.KeyId, key.ExpirationDate);
            }
            return true;
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key)", new { key = AdvisoryLockKey }, cancellationToken: CancellationToken.None));
        }
    }
}

/// <summary>At a server's start, after the migrations (<see cref="Data.MigrateOnStartup"/> is registered first).</summary>
internal sealed class FirstKeyOnStartup(FirstKey firstKey) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => firstKey.EnsureAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
