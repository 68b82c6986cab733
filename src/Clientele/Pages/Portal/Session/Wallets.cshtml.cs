using Clientele.Features.Portal.Shell;

namespace Clientele.Pages.Portal.Session;

/// <summary>Wallet balances and ledger (read-only).</summary>
public sealed class WalletsModel : PortalPageModel
{
    public override string Section => PortalNavigation.Wallets;
}
