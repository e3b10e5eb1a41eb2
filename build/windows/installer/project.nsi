Unicode true

####
## Tokenwarden's Windows installer, built by "wails build -platform windows/amd64 -nsis"
## (scripts/dist does that). Wails writes wails_tools.nsh from wails.json on every build and
## keeps this file as it is.
##
## - Per-user: no administrator rights; installs into %LOCALAPPDATA%\Programs\Tokenwarden,
##   registers the Start menu entry, tokenwarden:// links and the uninstaller under HKCU.
## - The uninstaller removes the program only. The data folder (%APPDATA%\tokenwarden) and the
##   tokens in the Credential Manager stay, so a reinstall finds everything again.
## - Signing: when the environment variable TOKENWARDEN_SIGN names a command, it is run on the
##   app, the uninstaller and the installer ("command FILE", signing FILE in place); see
##   scripts/sign-windows.
####
!define REQUEST_EXECUTION_LEVEL "user"
!define WAILS_INSTALL_SCOPE "user"

!include "wails_tools.nsh"

!define TW_SIGN "$%TOKENWARDEN_SIGN%"
# An unset variable stays "$%TOKENWARDEN_SIGN%" literally.
!searchparse /noerrors "${TW_SIGN}" "%TOKENWARDEN_SIGN" TW_SIGN_UNSET
!ifndef TW_SIGN_UNSET
    !system '"${TW_SIGN}" "${ARG_WAILS_AMD64_BINARY}"' = 0
    !uninstfinalize '"${TW_SIGN}" "%1"' = 0
    !finalize '"${TW_SIGN}" "%1"' = 0
!endif

# The version information for this two must consist of 4 parts
VIProductVersion "${INFO_PRODUCTVERSION}.0"
VIFileVersion    "${INFO_PRODUCTVERSION}.0"

VIAddVersionKey "CompanyName"     "${INFO_COMPANYNAME}"
VIAddVersionKey "FileDescription" "${INFO_PRODUCTNAME} Installer"
VIAddVersionKey "ProductVersion"  "${INFO_PRODUCTVERSION}"
VIAddVersionKey "FileVersion"     "${INFO_PRODUCTVERSION}"
VIAddVersionKey "LegalCopyright"  "${INFO_COPYRIGHT}"
VIAddVersionKey "ProductName"     "${INFO_PRODUCTNAME}"

ManifestDPIAware true

!include "MUI.nsh"

!define MUI_ICON "..\icon.ico"
!define MUI_UNICON "..\icon.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${PRODUCT_EXECUTABLE}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"

Name "${INFO_PRODUCTNAME}"
OutFile "..\..\bin\${INFO_PROJECTNAME}-${ARCH}-installer.exe"
InstallDir "$LOCALAPPDATA\Programs\${INFO_PRODUCTNAME}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
ShowInstDetails show

Function .onInit
    !insertmacro wails.checkArchitecture
FunctionEnd

Section
    !insertmacro wails.setShellContext
    !insertmacro wails.webview2runtime

    SetOutPath $INSTDIR
    !insertmacro wails.files

    CreateShortcut "$SMPROGRAMS\${INFO_PRODUCTNAME}.lnk" "$INSTDIR\${PRODUCT_EXECUTABLE}"

    # tokenwarden:// links. The path is quoted: %LOCALAPPDATA% often holds a space.
    DeleteRegKey HKCU "Software\Classes\tokenwarden"
    WriteRegStr HKCU "Software\Classes\tokenwarden" "" "URL:Tokenwarden account links"
    WriteRegStr HKCU "Software\Classes\tokenwarden" "URL Protocol" ""
    WriteRegStr HKCU "Software\Classes\tokenwarden\DefaultIcon" "" "$\"$INSTDIR\${PRODUCT_EXECUTABLE}$\",0"
    WriteRegStr HKCU "Software\Classes\tokenwarden\shell\open\command" "" "$\"$INSTDIR\${PRODUCT_EXECUTABLE}$\" $\"%1$\""

    !insertmacro wails.writeUninstaller
    WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
SectionEnd

Section "uninstall"
    !insertmacro wails.setShellContext

    # WebView2's cache, named after the executable; the app's data is in
    # $APPDATA\tokenwarden and stays.
    RMDir /r "$APPDATA\${PRODUCT_EXECUTABLE}"

    Delete "$INSTDIR\${PRODUCT_EXECUTABLE}"
    RMDir "$INSTDIR"

    Delete "$SMPROGRAMS\${INFO_PRODUCTNAME}.lnk"
    DeleteRegKey HKCU "Software\Classes\tokenwarden"

    !insertmacro wails.deleteUninstaller
    RMDir "$INSTDIR"
SectionEnd
