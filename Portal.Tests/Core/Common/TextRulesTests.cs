using Jakamo.Portal.Core.Common;

namespace Jakamo.Portal.Tests.Core.Common;

public sealed class TextRulesTests
{
    [Theory]
    [InlineData("ERP\u0007")]
    [InlineData("ERP\u0000")]
    [InlineData("ERP\r\nproduction")]
    [InlineData("invoice \u202Efdp.exe")]
    [InlineData("ERP\u2066isolate")]
    [InlineData("ERP\u200Bproduction")]
    public void HiddenCharacters_AreFound(string value) => Assert.True(TextRules.HasHiddenCharacters(value));

    // Built in code: xunit would replace a lone surrogate in test data with U+FFFD on its way to the test.
    [Fact]
    public void HalfASurrogatePair_IsAHiddenCharacter()
    {
        Assert.True(TextRules.HasHiddenCharacters("ERP " + (char)0xD800));
        Assert.True(TextRules.HasHiddenCharacters("ERP " + (char)0xDC00 + " production"));
        Assert.True(TextRules.HasHiddenCharacters((char)0xDC00 + "\uD83D\uDE00"));
    }

    [Theory]
    [InlineData("ERP production")]
    [InlineData("Nordic Components Oy – SO ERP")]
    [InlineData("Käsittely Åbo 北京 ERP")]
    [InlineData("O'Brien & Sons <ERP>")]
    [InlineData("ERP \U0001F468\u200D\U0001F527")]
    public void VisibleText_HasNoHiddenCharacters(string value) => Assert.False(TextRules.HasHiddenCharacters(value));

    [Theory]
    [InlineData("anna@example.com", true)]
    [InlineData("anna.virtanen+erp@nordic-components.fi", true)]
    [InlineData("not-an-email", false)]
    [InlineData("Anna <anna@example.com>", false)]
    [InlineData("anna@example.com' OR '1'='1", false)]
    [InlineData("anna@example.com\r\nBcc: all@example.com", false)]
    [InlineData("an na@example.com", false)]
    public void EmailAddress_IsABareAddress(string value, bool expected) => Assert.Equal(expected, TextRules.IsEmailAddress(value));
}
