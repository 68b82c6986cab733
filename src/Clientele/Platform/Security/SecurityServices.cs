using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Platform.Security;

public static class SecurityServices
{
    /// <summary>
    /// Data Protection with its keys in PostgreSQL (encrypted with the server's key-encryption key), one
    /// application name for every process.
    /// </summary>
    public static IHostApplicationBuilder AddClienteleDataProtection(this IHostApplicationBuilder builder)
    {
        var secrets = ServerSecrets.Load(builder.Configuration);
        builder.Services.AddSingleton(secrets);
        Features.Invoices.DocumentAccess.UseKeys(secrets.Derive("clientele:document-access-tokens"));
        // Before Data Protection's own start-up step (which loads the ring, making a key if it finds none): the first
        // key is made once for every process (FirstKey). Hence this is added before any other AddDataProtection call.
        builder.Services.AddSingleton<FirstKey>();
        builder.Services.AddHostedService<FirstKeyOnStartup>();
        builder.Services.AddDataProtection().SetApplicationName("Clientele");
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(options =>
            {
                options.XmlRepository = new PostgresXmlRepository(sp.GetRequiredService<NpgsqlDataSource>());
                // The ring is in the database; its keys are encrypted with a key that is not.
                options.XmlEncryptor = new KeyRingEncryptor(secrets.Current);
            }));
        return builder;
    }
}
